import Multiprocessing
import Testing

/// The PoolError `body` throws; records an issue when it throws none or another error.
func poolError(_ body: () throws -> Void) -> PoolError? {
    do {
        try body()
        Issue.record("a PoolError was expected")
    } catch let error as PoolError {
        return error
    } catch {
        Issue.record("unexpected \(error)")
    }
    return nil
}
