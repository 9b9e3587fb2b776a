// The shared token provider's rules, with the CRO OAuth simulator as the token endpoint (real HTTP, strict
// rotation: a rotated refresh token sent again revokes the grant), an in-memory credential store and lease,
// and a fake clock (the provider's decisions are about time; the simulator's own clock does not matter here).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  type CroOAuthSimulator,
  DEFAULT_CRO_CLIENT,
  startCroOAuthSimulator,
} from '../../../../lib/local/simulators/index.ts';
import { AuthorizationLostError, TokenUnavailableError } from '../../../../lib/oauth/errors.ts';
import { MemoryRefreshLease } from '../../../../lib/oauth/refreshLease.ts';
import {
  SharedTokenProvider,
  type SharedTokenProviderOptions,
  tokenDigest,
} from '../../../../lib/oauth/SharedTokenProvider.ts';
import type { CredentialStore, OAuthCredentials } from '../../../../lib/oauth/types.ts';

const HOUR = 3_600_000;

/** The secret, in memory: counts reads and writes, and can be made to lag or fail. */
class MemoryStore implements CredentialStore {
  value: OAuthCredentials;
  reads = 0;
  writes: OAuthCredentials[] = [];
  /** Answers of the next reads, before the real value (a stale replica). */
  staleReads: OAuthCredentials[] = [];
  failWrites = 0;
  beforeWrite?: () => Promise<void>;

  constructor(value: OAuthCredentials) {
    this.value = value;
  }
  async read(): Promise<OAuthCredentials> {
    this.reads += 1;
    return structuredClone(this.staleReads.shift() ?? this.value);
  }
  async write(next: OAuthCredentials, expected: string): Promise<'written' | 'superseded'> {
    await this.beforeWrite?.();
    if (this.failWrites > 0) {
      this.failWrites -= 1;
      throw new Error('store unavailable');
    }
    if (this.value.refreshToken !== expected) return 'superseded';
    this.value = structuredClone(next);
    this.writes.push(structuredClone(next));
    return 'written';
  }
}

class Logs {
  lines: Array<{ level: string; message: string; attributes?: unknown }> = [];
  info = (message: string, ...attributes: unknown[]): void => {
    this.lines.push({ level: 'info', message, attributes });
  };
  warn = (message: string, ...attributes: unknown[]): void => {
    this.lines.push({ level: 'warn', message, attributes });
  };
  error = (message: string, ...attributes: unknown[]): void => {
    this.lines.push({ level: 'error', message, attributes });
  };
}

describe('SharedTokenProvider', () => {
  let oauth: CroOAuthSimulator;
  let clock: number;
  let store: MemoryStore;
  let lease: MemoryRefreshLease;
  const client = { clientId: DEFAULT_CRO_CLIENT.clientId, clientSecret: DEFAULT_CRO_CLIENT.clientSecret };

  beforeAll(async () => {
    oauth = await startCroOAuthSimulator({ accessTokenTtlSeconds: 3600 });
  });
  afterAll(() => oauth.stop());
  beforeEach(() => {
    clock = Date.parse('2026-12-01T10:00:00Z');
    oauth.clearCalls();
    oauth.resetFaults();
    store = new MemoryStore({ ...client, refreshToken: oauth.seedGrant().refreshToken });
    lease = new MemoryRefreshLease({ now: () => clock });
  });

  const refreshes = () => oauth.callsFor('/oauth/token').filter((c) => c.status === 200).length;
  const provider = (overrides: Partial<SharedTokenProviderOptions> = {}) =>
    new SharedTokenProvider({
      endpoint: { url: oauth.tokenUrl },
      store,
      lease,
      now: () => clock,
      random: () => 0.5,
      // The provider's waits advance the fake clock, and yield for real so other processes' requests progress.
      sleep: async (ms) => {
        clock += ms;
        await new Promise((resolve) => setTimeout(resolve, 2));
      },
      ...overrides,
    });

  it('refreshes once for many concurrent callers of one process, writing both tokens back before handing one out', async () => {
    const tokens = provider();
    const initialRefreshToken = store.value.refreshToken;
    let written = false;
    store.beforeWrite = async () => {
      written = true;
    };

    const handedOut = await Promise.all(
      Array.from({ length: 20 }, () => tokens.getToken().then((t) => ({ t, written }))),
    );

    expect(refreshes()).toBe(1);
    expect(new Set(handedOut.map((h) => h.t)).size).toBe(1);
    expect(handedOut.every((h) => h.written)).toBe(true);
    expect(store.value.accessToken).toBe(handedOut[0]!.t);
    expect(store.writes).toHaveLength(1);
    expect(store.value.refreshToken).toMatch(/^rt_/);
    expect(store.value.refreshToken).not.toBe(initialRefreshToken);
    expect(Date.parse(store.value.accessTokenExpiresAt!)).toBe(clock + HOUR);
  });

  it('serves its cached token without reading the store until the refresh window (at most 5 minutes before expiry)', async () => {
    const tokens = provider();
    const first = await tokens.getToken();
    const reads = store.reads;

    clock += HOUR - 301_000;
    expect(await tokens.getToken()).toBe(first);
    expect(store.reads).toBe(reads);

    clock += 2_000;
    const second = await tokens.getToken();
    expect(second).not.toBe(first);
    expect(refreshes()).toBe(2);
  });

  it('adopts a token another process stored instead of refreshing', async () => {
    store.value = {
      ...store.value,
      accessToken: 'stored.access.token',
      accessTokenExpiresAt: new Date(clock + HOUR).toISOString(),
    };

    expect(await provider().getToken()).toBe('stored.access.token');
    expect(refreshes()).toBe(0);
  });

  it('lets two processes racing on an expired token make one refresh; the loser reads the stored token (no rotated token is ever sent)', async () => {
    const [a, b] = [provider({ owner: 'a' }), provider({ owner: 'b' })];

    const [tokenA, tokenB] = await Promise.all([a.getToken(), b.getToken()]);

    expect(tokenA).toBe(tokenB);
    expect(refreshes()).toBe(1);
    expect(oauth.stats()).toMatchObject({ invalidGrants: 0, reuseRevocations: 0 });
  });

  it('never hands out the token a 401 rejected (forceRefresh), and shares that refresh with the other callers', async () => {
    const tokens = provider();
    const first = await tokens.getToken();
    clock += 1_000;

    const after401 = await Promise.all([
      tokens.getToken({ forceRefresh: true, rejectedToken: first }),
      tokens.getToken({ forceRefresh: true }),
    ]);

    expect(after401[0]).not.toBe(first);
    expect(after401[1]).toBe(after401[0]);
    expect(refreshes()).toBe(2);
  });

  it('answers a 401 for a token it has replaced since with the newer token, without refreshing again', async () => {
    const tokens = provider();
    const first = await tokens.getToken();
    clock += HOUR - 60_000;
    const second = await tokens.getToken();

    expect(await tokens.getToken({ forceRefresh: true, rejectedToken: first })).toBe(second);
    expect(refreshes()).toBe(2);
  });

  it('keeps using its still-valid token while another process holds the lease', async () => {
    const tokens = provider();
    const first = await tokens.getToken();
    clock += HOUR - 60_000;
    await lease.acquire('other', 30_000);

    expect(await tokens.getToken()).toBe(first);
    expect(refreshes()).toBe(1);
  });

  it('without a usable token, waits for the other process to store its refresh and adopts it', async () => {
    await lease.acquire('other', 30_000);
    const waiting = provider({
      sleep: async (ms) => {
        clock += ms;
        store.value = {
          ...store.value,
          accessToken: 'from.other.process',
          accessTokenExpiresAt: new Date(clock + HOUR).toISOString(),
        };
      },
    });

    expect(await waiting.getToken()).toBe('from.other.process');
    expect(refreshes()).toBe(0);
  });

  it('gives up waiting with a transient TokenUnavailableError within its bound and the caller’s deadline', async () => {
    await lease.acquire('other', 60_000);
    const start = clock;

    const error = await provider({ waitMs: 5_000 })
      .getToken({ deadline: clock + 2_000 })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TokenUnavailableError);
    expect(error).toMatchObject({ transient: true, reason: 'crm-token-unavailable' });
    expect(clock - start).toBeLessThanOrEqual(2_000);
  });

  it('does not start a refresh with too little time left before the caller’s deadline', async () => {
    const error = await provider()
      .getToken({ deadline: clock + 1_500 })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TokenUnavailableError);
    expect(refreshes()).toBe(0);
  });

  it('keeps the current token when a refresh ahead of expiry fails transiently', async () => {
    const tokens = provider();
    const first = await tokens.getToken();
    clock += HOUR - 60_000;
    oauth.failNext(1, { status: 503, body: { error: 'temporarily_unavailable' } }, '/oauth/token');

    expect(await tokens.getToken()).toBe(first);
  });

  it('never sends a refresh token the lease records as rotated away, even when the store answers with it (stale read)', async () => {
    const tokens = provider();
    await tokens.getToken();
    const stale = structuredClone(store.value);
    clock += HOUR - 60_000;
    const other = provider({ owner: 'other' });
    await other.getToken();
    const sent = oauth.callsFor('/oauth/token').length;
    store.staleReads = [stale, stale, stale];
    clock += 1;

    const token = await provider({ owner: 'third' }).getToken({ forceRefresh: true });

    expect(token).toBe(store.value.accessToken);
    expect(oauth.callsFor('/oauth/token')).toHaveLength(sent);
    expect(oauth.stats().invalidGrants).toBe(0);
  });

  it('on invalid_grant: an AuthorizationLostError, one log line naming the command, the hook, and no more token requests until a new grant is stored', async () => {
    const logs = new Logs();
    const lost: unknown[] = [];
    const tokens = provider({
      logger: logs,
      onAuthorizationLost: (e) => lost.push(e),
      reauthorizeCommand: 'npx crm-sync auth --secret-id s',
    });
    oauth.revokeGrants();

    const first = await tokens.getToken().catch((e: unknown) => e);
    const second = await tokens.getToken().catch((e: unknown) => e);

    expect(first).toBeInstanceOf(AuthorizationLostError);
    expect(second).toBe(first);
    expect(lost).toHaveLength(2);
    expect(oauth.callsFor('/oauth/token')).toHaveLength(1);
    const errors = logs.lines.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toContain('npx crm-sync auth --secret-id s');
    expect(JSON.stringify(logs.lines)).not.toContain(store.value.refreshToken);

    store.value = { ...client, refreshToken: oauth.seedGrant().refreshToken };
    clock += 30_000;
    expect(await tokens.getToken()).toEqual(expect.any(String));
  });

  it('records a lost grant in the lease so another process fails fast without sending that refresh token', async () => {
    oauth.revokeGrants();
    await provider({ owner: 'a' })
      .getToken()
      .catch(() => undefined);
    const sent = oauth.callsFor('/oauth/token').length;

    const error = await provider({ owner: 'b' })
      .getToken()
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AuthorizationLostError);
    expect(oauth.callsFor('/oauth/token')).toHaveLength(sent);
    expect((await lease.acquire('x', 1)).record.lostDigest).toBe(tokenDigest(store.value.refreshToken));
  });

  it('keeps refreshed tokens it could not store, refuses to use them until they are stored, and stores them first next time', async () => {
    const tokens = provider();
    store.failWrites = 3;

    const error = await tokens.getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenUnavailableError);
    const token = await tokens.getToken();

    expect(refreshes()).toBe(1);
    expect(store.value.accessToken).toBe(token);
    expect((await lease.acquire('x', 1)).record.retiredDigests).toHaveLength(1);
  });

  it('does not overwrite a new authorization written while it refreshed (superseded), and uses its token anyway', async () => {
    const tokens = provider();
    const replacement = oauth.seedGrant().refreshToken;
    store.beforeWrite = async () => {
      store.value = { ...client, refreshToken: replacement };
    };

    await tokens.getToken();

    expect(store.value).toEqual({ ...client, refreshToken: replacement });
  });

  it('waits 10 lease periods for a refresh that was never stored before trying the older stored token', async () => {
    await provider({ owner: 'a' }).getToken();
    const rotatedAway = { ...client, refreshToken: 'unused' };
    const before = oauth.callsFor('/oauth/token').length;
    // The refresher's write never landed: the store still holds the token it rotated away.
    const [first] = oauth.callsFor('/oauth/token');
    rotatedAway.refreshToken = new URLSearchParams(first!.body as string).get('refresh_token')!;
    store.value = rotatedAway;
    const logs = new Logs();
    const other = provider({ owner: 'b', logger: logs });

    const early = await other.getToken().catch((e: unknown) => e);
    expect(early).toBeInstanceOf(TokenUnavailableError);
    expect(oauth.callsFor('/oauth/token')).toHaveLength(before);

    clock += 300_001;
    const late = await other.getToken().catch((e: unknown) => e);
    expect(oauth.callsFor('/oauth/token')).toHaveLength(before + 1);
    expect(late).toBeInstanceOf(AuthorizationLostError);
    expect(logs.lines.some((l) => l.level === 'warn' && l.message.includes('never stored'))).toBe(true);
  });
});
