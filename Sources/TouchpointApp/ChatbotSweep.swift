import Foundation
import Logging
import TouchpointApplication

/// Once a minute, ends the assistant's conversations that went silent (a visitor who left
/// the chat, an email nobody answered in a week), so none waits for ever out of every queue.
struct ChatbotSweep {
    let chatbot: Chatbot
    let logger: Logger
    var interval: Duration = .seconds(60)

    func run() async {
        while !Task.isCancelled {
            do {
                let ended = try await chatbot.endIdle()
                if ended > 0 { logger.info("ended silent conversations of the assistant", metadata: ["conversations": "\(ended)"]) }
            } catch {
                logger.warning("could not end silent conversations", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }
}
