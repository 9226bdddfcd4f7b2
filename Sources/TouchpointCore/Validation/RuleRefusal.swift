/// A domain rule saying no (a queue step, a booking, a visit's schedule): the edges show its
/// message as a conflict with the current state.
public protocol RuleRefusal: Error {
    var message: String { get }
}

extension QueueError: RuleRefusal {}
extension DeskBookingRefusal: RuleRefusal {}
extension ScheduleRefusal: RuleRefusal {}
