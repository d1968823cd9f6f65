import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reachable } from './embedded-location';

describe('reachable (can the postgres user get to a path)', () => {
  const stranger = { uid: 54_321, gid: 54_321 };
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ivoryos-reach-'));
    mkdirSync(join(dir, 'clone', 'ivoryos_data'), { recursive: true });
  });
  afterEach(() => {
    chmodSync(dir, 0o755);
    rmSync(dir, { recursive: true, force: true });
  });

  it('is true when every folder on the way lets others search it, for a path still to be made', () => {
    chmodSync(dir, 0o755);
    expect(reachable(join(dir, 'clone', 'ivoryos_data', 'postgres'), stranger)).toBe(true);
  });

  it('is false when one parent is private (0700), as /root is', () => {
    chmodSync(dir, 0o700);
    expect(reachable(join(dir, 'clone', 'ivoryos_data', 'postgres'), stranger)).toBe(false);
  });

  it("uses the owner's bits for the folder's owner and the group's bits for its group", () => {
    chmodSync(dir, 0o710);
    const { uid, gid } = { uid: process.getuid!(), gid: process.getgid!() };
    expect(reachable(join(dir, 'clone'), { uid, gid })).toBe(true);
    expect(reachable(join(dir, 'clone'), { uid: stranger.uid, gid })).toBe(true);
    expect(reachable(join(dir, 'clone'), stranger)).toBe(false);
  });
});
