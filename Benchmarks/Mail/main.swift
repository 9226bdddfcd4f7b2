// Mail benchmark: the email contact point of a running `touchpoint serve` (release build,
// SQLite with synchronous=FULL, fresh database with demo data), driven over real SMTP.
//   1. MIME parse throughput: typical 10 KB mail (text + HTML alternative, quoted-printable)
//      reduced for intake in-process, in MB/s and messages/s.
//   2. SMTP intake with 1, 8 and 32 concurrent senders: messages/s answered 250 (stored),
//      the p50/p99 time from the end of DATA to the 250, and messages/s stored *and*
//      threaded (until the intake worker has processed the last one). 30 % are replies
//      that thread onto an earlier case. Target: ≥ 1,000 messages/s.
// Run: Benchmarks/mail.sh [seconds per run] (`--acknowledge no` on the benchmark binary turns
// the demo mailbox's acknowledgements off, to see what they cost).
import Foundation
import Logging
import NIOCore
import NIOPosix
import TouchpointCore
import TouchpointStore

struct Options {
    var port = 2525
    var dataDir = ""
    var seconds = 10.0
    var clients = [1, 8, 32]
    /// Turn the demo mailbox's acknowledgements off, to see what they cost.
    var acknowledge = true

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let flag = iterator.next() {
            let value = iterator.next() ?? ""
            switch flag {
            case "--port": port = Int(value) ?? port
            case "--data-dir": dataDir = value
            case "--seconds": seconds = Double(value) ?? seconds
            case "--clients": clients = value.split(separator: ",").compactMap { Int($0) }
            case "--acknowledge": acknowledge = value != "no"
            default: FileHandle.standardError.write(Data("unknown option \(flag)\n".utf8)); exit(64)
            }
        }
    }
}

/// Typical customer mail of about 10 KB: a text and an HTML version of the same words.
/// Bodies are rendered once, ahead of the timed runs, and each message gets headers of its
/// own: the client shares the server's two cores, and rendering 10 KB of quoted-printable
/// per message cost it as much CPU as the server spent storing and threading it.
struct MailFactory: Sendable {
    static let words = "meter reading invoice contract outage tariff payment visit technician account balance refund address change please help thanks regards urgent since yesterday cannot login portal".split(separator: " ").map(String.init)
    /// Headers a message gets anew; the rest of a rendered template is kept.
    static let ownHeaders: Set<String> = ["from", "subject", "message-id", "in-reply-to", "references"]

    private let templates: [(head: String, body: [UInt8])]

    init(variants: Int = 64) {
        var rng = SystemRandomNumberGenerator()
        templates = (0..<variants).map { variant in
            var paragraphs: [String] = []
            for _ in 0..<6 {
                paragraphs.append((0..<80).map { _ in MailFactory.words.randomElement(using: &rng)! }.joined(separator: " ") + ".")
            }
            let text = "Hello,\n\n" + paragraphs.joined(separator: "\n\n") + "\n\nKind regards,\nA customer"
            let html = "<html><body><p>Hello,</p>" + paragraphs.map { "<p style=\"font-family: Arial, sans-serif; color: #333\">\($0)</p>" }.joined()
                + "<p>Kind regards,<br>A customer</p></body></html>"
            let rendered = OutboundMail(from: MailAddress(name: "Template", address: "template@customers.example"),
                                        to: [MailAddress(name: nil, address: "support@acme.example")], subject: "Template \(variant)",
                                        messageID: "template-\(variant)@customers.example", inReplyTo: nil, references: [], date: Date(),
                                        text: text, html: html).rendered()
            // Split at the blank line; keep the header fields that are not the message's own
            // (a field's folded continuation lines go with it).
            let end = rendered.indices.first { rendered[$0...].starts(with: Array("\r\n\r\n".utf8)) }!
            var kept: [String] = []
            var keeping = false
            for line in String(decoding: rendered[..<end], as: UTF8.self).components(separatedBy: "\r\n") {
                if line.first == " " || line.first == "\t" {
                    if keeping { kept.append(line) }
                    continue
                }
                let name = line.split(separator: ":", maxSplits: 1).first.map { $0.lowercased() } ?? ""
                keeping = !MailFactory.ownHeaders.contains(name)
                if keeping { kept.append(line) }
            }
            return (kept.joined(separator: "\r\n"), Array(rendered[(end + 4)...]))
        }
    }

    func message(sender: Int, sequence: Int, replyTo: String?) -> (id: String, bytes: [UInt8]) {
        let template = templates[(sender &* 31 &+ sequence) % templates.count]
        let id = "bench-\(sender)-\(sequence)-\(UInt32.random(in: 0...UInt32.max))@customers.example"
        var head = "From: Customer \(sender) <customer\(sender)@customers.example>\r\n"
            + "Subject: \(replyTo == nil ? "Question \(sequence) about my account" : "Re: Question about my account")\r\n"
            + "Message-ID: <\(id)>\r\n"
        if let replyTo { head += "In-Reply-To: <\(replyTo)>\r\nReferences: <\(replyTo)>\r\n" }
        var bytes = Array((head + template.head + "\r\n\r\n").utf8)
        bytes += template.body
        return (id, bytes)
    }
}

/// Prints at once (a pipe would buffer `print`).
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p))]
}

// MARK: 1. Parsing

let options = Options(CommandLine.arguments)
let factory = MailFactory()
say("Touchpoint mail benchmark — \(ProcessInfo.processInfo.activeProcessorCount) cores, release build")
let samples = (0..<500).map { factory.message(sender: $0, sequence: $0, replyTo: $0 % 3 == 0 ? "earlier-\($0)@customers.example" : nil).bytes }
let averageBytes = samples.map(\.count).reduce(0, +) / samples.count
var parsedBytes = 0, parsedCount = 0, checksum = 0
let parseStart = Date()
while Date().timeIntervalSince(parseStart) < 3 {
    for sample in samples {
        let mail = try InboundMail(parsing: sample, envelopeSender: "x@customers.example", casePrefix: "Acme", loopMarker: "support@acme.example")
        checksum &+= mail.text.utf8.count
        parsedBytes += sample.count
        parsedCount += 1
    }
}
let parseSeconds = Date().timeIntervalSince(parseStart)
say(String(format: "MIME parse: %.1f MB/s, %.0f messages/s (messages of %d bytes, text + HTML; checksum %d)",
             Double(parsedBytes) / parseSeconds / 1_000_000, Double(parsedCount) / parseSeconds, averageBytes, checksum % 1000))

// MARK: 2. SMTP intake

/// One sender: a connection that sends messages back to back, recording the time to 250.
func sender(index: Int, clients: Int, until deadline: Date) async throws -> (sent: Int, latencies: [Double]) {
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connect(host: "127.0.0.1", port: options.port) { channel in
            channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
        }
    return try await channel.executeThenClose { inbound, outbound in
        var iterator = inbound.makeAsyncIterator()
        var reader = SMTPWire.ReplyReader()
        func reply() async throws -> SMTPSession.Reply {
            while true {
                if let reply = reader.next() { return reply }
                guard let buffer = try await iterator.next() else { throw CancellationError() }
                reader.receive(buffer.readableBytesView)
            }
        }
        _ = try await reply()
        try await outbound.write(ByteBuffer(string: "EHLO bench\(index)\r\n"))
        _ = try await reply()
        var latencies: [Double] = []
        var threads: [String] = []
        var sequence = 0
        while Date() < deadline {
            sequence += 1
            // Many distinct customers, so the per-sender flood limit never triggers.
            let customer = index * 100_000 + sequence / 2
            let replyTo = sequence % 10 < 3 ? threads.last : nil
            let (id, bytes) = factory.message(sender: customer, sequence: sequence, replyTo: replyTo)
            if replyTo == nil { threads.append(id) }
            try await outbound.write(ByteBuffer(string: "MAIL FROM:<customer\(customer)@customers.example>\r\nRCPT TO:<support@acme.example>\r\nDATA\r\n"))
            for _ in 0..<3 { _ = try await reply() }
            let start = DispatchTime.now().uptimeNanoseconds
            try await outbound.write(ByteBuffer(bytes: SMTPWire.dataBlock(bytes)))
            let done = try await reply()
            guard done.code == 250 else { throw CancellationError() }
            latencies.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        try await outbound.write(ByteBuffer(string: "QUIT\r\n"))
        return (latencies.count, latencies)
    }
}

if options.clients.isEmpty { exit(0) }
var logger = Logger(label: "bench")
logger.logLevel = .critical
let database = try await SQLiteDatabase.open(path: options.dataDir + "/touchpoint.sqlite", logger: logger)
let store = Store(database: database)
if !options.acknowledge, let mailbox = try await store.mailbox(address: "support@acme.example") {
    _ = try await store.saveMailbox(address: mailbox.address, brand: mailbox.brandID, teamID: mailbox.teamID,
                                    forwardsOpenForSender: mailbox.forwardsOpenForSender, acknowledges: false, actor: .system)
    say("(acknowledgements off)")
}
for clients in options.clients {
    let start = Date()
    let deadline = start.addingTimeInterval(options.seconds)
    let results = try await withThrowingTaskGroup(of: (Int, [Double]).self) { group in
        for index in 0..<clients { group.addTask { try await sender(index: index + clients * 1000, clients: clients, until: deadline) } }
        var all: [(Int, [Double])] = []
        for try await result in group { all.append(result) }
        return all
    }
    let sendSeconds = Date().timeIntervalSince(start)
    while try await !store.pendingMail(limit: 1).isEmpty { try await Task.sleep(for: .milliseconds(20)) }
    let processedSeconds = Date().timeIntervalSince(start)
    let sent = results.map(\.0).reduce(0, +)
    let latencies = results.flatMap(\.1).sorted()
    say(String(format: "SMTP intake, %2d senders: %6.0f messages/s stored (250), p50 %.1f ms, p99 %.1f ms to 250; %6.0f messages/s stored and threaded (%d messages)",
                 clients, Double(sent) / sendSeconds, percentile(latencies, 0.5), percentile(latencies, 0.99), Double(sent) / processedSeconds, sent))
}
let outcomes = try await database.read { db in
    try await db.raw("SELECT state, COUNT(*) AS n FROM inbound_mail GROUP BY state ORDER BY state").all()
        .map { "\(try $0.decode(column: "state", as: String.self)) \(try $0.decode(column: "n", as: Int.self))" }
}
say("Received mail by state: " + outcomes.joined(separator: ", "))
await database.shutdown()
