import { isLoopbackName } from '../common/security-headers';
import { isClientRoute } from './serve-web';

describe('isClientRoute', () => {
  it.each(['/', '/login', '/devices/abstract_sdl', '/runs/42', '/design/my-flow', '/index.html', '/decks', '/decks/lab/other'])(
    '%s is a page of the UI',
    (path) => expect(isClientRoute(path)).toBe(true),
  );
  it.each([
    '/api', '/api/', '/api/nothing-here', '/api/runs/1/events', '/ivoryos', '/ivoryos/instruments/deck.sdl', '/decks/lab_a/ivoryos',
    '/decks/lab_a/ivoryos/auth/login', '/metrics', '/ops/status', '/assets/missing.js', '/favicon.ico',
  ])('%s is never answered with the UI', (path) => expect(isClientRoute(path)).toBe(false));
});

describe('isLoopbackName', () => {
  it.each(['localhost', 'LOCALHOST', 'app.localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]'])('%s is a trustworthy origin over HTTP', (host) =>
    expect(isLoopbackName(host)).toBe(true));
  it.each(['lab-pc', 'lab-pc.test', '10.0.0.5', '192.168.1.20', 'localhost.evil.example', '', undefined])('%s is not', (host) =>
    expect(isLoopbackName(host)).toBe(false));
});
