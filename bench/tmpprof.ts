import { runMixedLoad } from '/work/main/bench/compare/mixedLoad.ts';
import { forkServices } from '/work/main/bench/services/forkServices.ts';
import { INITIAL_TOKENS } from '/work/main/bench/services/startServices.ts';
import { BenchDriver } from '/work/main/bench/support/BenchDriver.ts';
import { importBundledHandler, BUNDLE_PATH } from '/work/main/bench/support/bundledHandler.ts';
import { createCredentialsFile } from '/work/main/bench/support/credentialsFile.ts';
import { installStdoutSink } from '/work/main/bench/support/stdoutSink.ts';
const bundlePath = process.env.BUNDLE ?? BUNDLE_PATH;
const services = await forkServices({ latencyMs: 0 });
const credentials = createCredentialsFile(INITIAL_TOKENS);
const env = { ...services.env, CREDENTIALS_SECRET_ID: credentials.secretId, SYNC_CONCURRENCY: '10', POWERTOOLS_SERVICE_NAME: 'customer-sync' };
const sink = installStdoutSink();
const handler = await importBundledHandler({ env, bundlePath, instance: 'p' });
const driver = new BenchDriver({ handler, services, sink });
await services.setDynamoModel(true);
for (let i = 0; i < 6; i++) {
  const r = await runMixedLoad(driver, { firstId: 10_000 + 2000 * i, seed: i + 1, latencies: { apiMs: 0, dynamoMs: 0 } });
  process.stderr.write(JSON.stringify(r) + '\n');
}
await services.stop();
process.exit(0);
