import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateFileError } from '../../../../../infra/local/services/http/errors.ts';
import {
  DebouncedStateFile,
  openServiceState,
  readStateFile,
} from '../../../../../infra/local/services/http/state-file.ts';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'state-file-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('DebouncedStateFile', () => {
  it('writes the latest snapshot once for a burst of changes', async () => {
    // arrange
    const path = join(dir, 'nested', 'state.json');
    let state = 0;
    let snapshots = 0;
    const file = new DebouncedStateFile({
      path,
      debounceMillis: 20,
      snapshot: () => {
        snapshots += 1;
        return { state };
      },
    });
    // act
    for (let i = 1; i <= 5; i++) {
      state = i;
      file.changed();
    }
    await file.flush();
    // assert
    expect(await readStateFile(path)).toEqual({ state: 5 });
    expect(snapshots).toBe(1);
    expect(await readdir(join(dir, 'nested'))).toEqual(['state.json']);
  });

  it('reads a missing file as undefined and a corrupt one as a StateFileError', async () => {
    expect(await readStateFile(join(dir, 'none.json'))).toBeUndefined();
    await writeFile(join(dir, 'bad.json'), '{"half":');
    await expect(readStateFile(join(dir, 'bad.json'))).rejects.toBeInstanceOf(StateFileError);
  });
});

describe('openServiceState', () => {
  it('is undefined without a dataDir, and restores nothing', async () => {
    const restored: unknown[] = [];
    const file = await openServiceState({
      dataDir: undefined,
      service: 'svc',
      restore: (saved) => restored.push(saved),
      snapshot: () => ({}),
    });
    expect(file).toBeUndefined();
    expect(restored).toEqual([]);
  });

  it('restores what an earlier run wrote to <dataDir>/<service>/state.json', async () => {
    // arrange: a first run that writes its state
    const first = await openServiceState({
      dataDir: dir,
      service: 'svc',
      restore: () => undefined,
      snapshot: () => ({ kept: 1 }),
    });
    first?.changed();
    await first?.flush();
    // act
    const restored: Array<{ saved: unknown; path: string }> = [];
    await openServiceState({
      dataDir: dir,
      service: 'svc',
      restore: (saved, path) => restored.push({ saved, path }),
      snapshot: () => ({}),
    });
    // assert
    expect(restored).toEqual([{ saved: { kept: 1 }, path: join(dir, 'svc', 'state.json') }]);
  });
});
