// Integration tests start real processes on a 2-core machine; a project-level `testTimeout` is not
// applied by jest (it is a global option), so it is set here, after the framework is installed.
jest.setTimeout(60_000);
