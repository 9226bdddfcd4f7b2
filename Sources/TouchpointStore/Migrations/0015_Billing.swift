/// Invoices and their payment status per account, as imported from the billing system.
enum Migration0015Billing {
    static let migration = Migration(version: 15, name: "billing") { _ in
        [
            """
            CREATE TABLE invoices (
                id TEXT PRIMARY KEY, brand_id TEXT NOT NULL REFERENCES brands(id), account_id TEXT NOT NULL REFERENCES accounts(id),
                number TEXT NOT NULL, issued_on TEXT NOT NULL, due_on TEXT NOT NULL, amount_minor BIGINT NOT NULL, paid_minor BIGINT NOT NULL,
                currency TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, UNIQUE (brand_id, number))
            """,
            "CREATE INDEX invoices_account ON invoices (account_id, due_on)",
            // Promises to pay and payment plans are commitments too; the scheduler reminds
            // once when one falls due unkept.
            "ALTER TABLE commitments ADD COLUMN kind TEXT NOT NULL DEFAULT 'promise'",
            "ALTER TABLE commitments ADD COLUMN reminded_at BIGINT",
            "CREATE INDEX commitments_due ON commitments (due_at) WHERE status = 'open' AND reminded_at IS NULL",
        ]
    }
}
