// Fails fast when npm fell back to the machine's Node (e.g. `npm ci --ignore-scripts` skipped the
// `node@24` devDependency's download): the project needs Node >= 22 (Lambda runs nodejs24.x).
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  console.error(
    `crm-sync needs Node >= 22 (found ${process.versions.node}). Run \`npm install\` (it installs Node 24 into node_modules/.bin) and use the npm scripts.`,
  );
  process.exit(1);
}
