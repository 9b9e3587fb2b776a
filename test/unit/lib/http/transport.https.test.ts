// The production path: the real APIs are HTTPS. A local TLS server with a self-signed certificate (a test
// fixture, trusted for this process only through tls.setDefaultCACertificates), so certificate checking stays on.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { send } from '../../../../lib/http/transport.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../../../fixtures/tls/${name}`, import.meta.url), 'utf8');

describe('send over HTTPS', () => {
  const cert = fixture('localhost.crt');
  const defaultCas = getCACertificates('default');
  let server: Server;
  let base: string;
  const ports: Array<number | undefined> = [];

  beforeAll(async () => {
    server = createServer({ key: fixture('localhost.key'), cert }, (req, res) => {
      ports.push(req.socket.remotePort);
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            method: req.method,
            auth: req.headers.authorization,
            body: Buffer.concat(chunks).toString(),
          }),
        ),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    setDefaultCACertificates(defaultCas);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('refuses a server whose certificate is not trusted', async () => {
    setDefaultCACertificates(defaultCas);

    await expect(
      send({ method: 'GET', url: new URL(`${base}/x`), headers: {}, signal: AbortSignal.timeout(5_000) }),
    ).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
  });

  it('sends and receives over TLS once the certificate is trusted, reusing the connection', async () => {
    setDefaultCACertificates([...defaultCas, cert]);
    ports.length = 0;
    const put = () =>
      send({
        method: 'PUT',
        url: new URL(`${base}/customers/1`),
        headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
        body: '{"name":"Ação"}',
        signal: AbortSignal.timeout(5_000),
      });

    const first = await put();
    const second = await put();

    expect(first.status).toBe(200);
    expect(JSON.parse(first.body)).toEqual({ method: 'PUT', auth: 'Bearer t', body: '{"name":"Ação"}' });
    expect(second.status).toBe(200);
    expect(ports[1]).toBe(ports[0]);
  });
});
