export { ERRORS, codesWithStatus, fail, ok, type ErrorCode, type Failure, type Result } from './catalogue'
export { ApiError, describeZodError, errorBody, notFound, onError, unavailable, unwrap } from './http'
