import ArgumentParser
import Foundation
import TouchpointApp
import TouchpointCore
import TouchpointStore

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import", abstract: "Import data from other systems.", subcommands: [Invoices.self])

    struct Invoices: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import invoices from a CSV file (header: number, customer, issued_on, due_on, amount, currency[, paid]).",
            discussion: """
                `customer` is a customer number or an account id. Known invoice numbers are updated, so importing again after \
                payments brings the paid amounts. Rows that cannot be taken are listed with their line and why; the others are \
                imported. Exit status: 0 all imported, 2 some rows rejected, 65 the file is not a readable invoice CSV.
                """)
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The CSV file (comma or semicolon separated, UTF-8).") var file: String
        @Option(help: "The brand's slug.") var brand: String = "acme"

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
                Self.fail("cannot read \(file) as UTF-8 text", code: 65)
            }
            let read: (drafts: [(line: Int, draft: InvoiceDraft)], rejected: [RowRejection])
            do {
                read = try InvoiceCSV.read(text)
            } catch {
                Self.fail("\(file): \(error.field): \(error.reason)", code: 65)
            }
            let store = try await Touchpoint.openStore(database.location, logger: makeLogger())
            let report: InvoiceImportReport
            do {
                guard let found = try await store.brand(slug: brand) else { throw StoreError.notFound("brand \(brand)") }
                let total = read.drafts.count
                let bar = ProgressBar(total: total)
                report = try await store.importInvoices(read.drafts.map(\.draft), brand: found.id, actor: .system) { done in bar.show(done) }
                bar.finish()
            } catch let error as StoreError {
                await store.database.shutdown()
                Self.fail(MailCommand.describe(error), code: 1)
            }
            await store.database.shutdown()
            let rejected = (read.rejected + report.rejected.map { RowRejection(line: read.drafts[$0.index].line, field: $0.field, reason: $0.reason) })
                .sorted { $0.line < $1.line }
            print("Imported \(report.created + report.updated) invoices (\(report.created) new, \(report.updated) updated) from \(file).")
            if !rejected.isEmpty {
                print("Rejected \(rejected.count) row\(rejected.count == 1 ? "" : "s"):")
                for row in rejected { print("  \(row)") }
                throw ExitCode(2)
            }
        }

        static func fail(_ message: String, code: Int32) -> Never {
            FileHandle.standardError.write(Data("touchpoint import: \(message)\n".utf8))
            Foundation.exit(code)
        }
    }
}

/// A progress bar on standard error, redrawn in place.
final class ProgressBar: @unchecked Sendable {
    private let total: Int
    private let lock = NSLock()

    init(total: Int) {
        self.total = total
        show(0)
    }

    func show(_ done: Int) {
        let share = total == 0 ? 1 : Double(done) / Double(total)
        let filled = Int((share * 30).rounded(.down))
        let line = "\r[" + String(repeating: "#", count: filled) + String(repeating: "-", count: 30 - filled) + "] "
            + String(format: "%3.0f%%", share * 100) + " \(done)/\(total) rows"
        lock.withLock { FileHandle.standardError.write(Data(line.utf8)) }
    }

    func finish() {
        lock.withLock { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
