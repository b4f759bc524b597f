import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StartupError } from './config/config';
import { assertCanListen, listenError, loadDotEnv, PortInUseError } from './runtime';

describe('start-up helpers', () => {
  describe('loadDotEnv', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'tessera-dotenv-'))));
    afterEach(() => {
      delete process.env.TESSERA_SPEC_FROM_FILE;
      delete process.env.TESSERA_SPEC_ALREADY_SET;
      rmSync(dir, { recursive: true, force: true });
    });

    it('adds the variables of the file, keeping those the environment already sets', () => {
      process.env.TESSERA_SPEC_ALREADY_SET = 'environment';
      writeFileSync(join(dir, '.env'), 'TESSERA_SPEC_FROM_FILE=file\nTESSERA_SPEC_ALREADY_SET=file\n');
      loadDotEnv(join(dir, '.env'));
      expect([process.env.TESSERA_SPEC_FROM_FILE, process.env.TESSERA_SPEC_ALREADY_SET]).toEqual(['file', 'environment']);
    });

    it('does nothing without the file', () => {
      expect(() => loadDotEnv(join(dir, '.env'))).not.toThrow();
      expect(process.env.TESSERA_SPEC_FROM_FILE).toBeUndefined();
    });
  });

  describe('listening', () => {
    it('refuses a taken port with one line naming the port and PORT', async () => {
      const holder = createServer();
      const port = await new Promise<number>((done) =>
        holder.listen(0, '127.0.0.1', () => done((holder.address() as { port: number }).port)),
      );
      try {
        const refusal = assertCanListen(port, '127.0.0.1');
        await expect(refusal).rejects.toBeInstanceOf(PortInUseError);
        await expect(refusal).rejects.toThrow(
          `Port ${port} is in use on 127.0.0.1: stop what uses it or start with PORT=${port + 1} npm start`,
        );
      } finally {
        await new Promise((done) => holder.close(done));
      }
    });

    it('leaves a free port free', async () => {
      const holder = createServer();
      const port = await new Promise<number>((done) =>
        holder.listen(0, '127.0.0.1', () => done((holder.address() as { port: number }).port)),
      );
      await new Promise((done) => holder.close(done));
      await assertCanListen(port, '127.0.0.1');
      // The probe has let go of it: it can be listened on again.
      await assertCanListen(port, '127.0.0.1');
    });

    it('names the port without a host for the default HOST, and other listen errors in one line too', () => {
      const inUse = Object.assign(new Error('listen EADDRINUSE: address already in use 0.0.0.0:3000'), { code: 'EADDRINUSE' });
      expect(listenError(inUse, 3000, '0.0.0.0').message).toBe('Port 3000 is in use: stop what uses it or start with PORT=3001 npm start');
      const denied = Object.assign(new Error('listen EACCES: permission denied 0.0.0.0:80'), { code: 'EACCES' });
      const other = listenError(denied, 80, '0.0.0.0');
      expect(other).toBeInstanceOf(StartupError);
      expect(other.message).toBe('Cannot listen on 0.0.0.0:80 (HOST, PORT): listen EACCES: permission denied 0.0.0.0:80');
    });
  });
});
