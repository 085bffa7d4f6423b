// Verifies the batches `autograph watch --jsonl` received, with ethers v6 as any receiver would:
// recoverAddress(keccak256(toUtf8Bytes(data)), signature) must be the device address.
//
//   NODE_PATH=.deps/node/node_modules node verify_batches.mjs DEVICE FILE.jsonl...
//
// Prints "verified N batches" and exits 0 when every line verified and there was at least one;
// else names each bad line and exits 1. ES modules ignore NODE_PATH, so ethers is required
// through createRequire from there.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const [device, ...files] = process.argv.slice(2);
if (!device || files.length === 0) {
  console.error('usage: verify_batches.mjs DEVICE FILE.jsonl...');
  process.exit(2);
}
const modules = process.env.NODE_PATH;
if (!modules) {
  console.error('verify_batches.mjs: NODE_PATH (.deps/node/node_modules) is not set; run scripts/install-deps');
  process.exit(2);
}
const require = createRequire(path.join(modules, 'verify_batches.cjs'));
const { recoverAddress, keccak256, toUtf8Bytes, getAddress } = require('ethers');

let verified = 0;
let bad = 0;
for (const file of files) {
  const lines = readFileSync(file, 'utf8').split('\n').filter((line) => line.startsWith('{'));
  lines.forEach((line, index) => {
    const message = JSON.parse(line);
    const where = `${file}:${index + 1}`;
    if (typeof message.data !== 'string' || typeof message.signature !== 'string') {
      console.error(`${where}: no data or signature (${message.error ?? 'not verified by watch'})`);
      bad++;
      return;
    }
    const signer = recoverAddress(keccak256(toUtf8Bytes(message.data)), message.signature);
    if (signer !== getAddress(device)) {
      console.error(`${where}: signed by ${signer}, not by ${device}`);
      bad++;
      return;
    }
    verified++;
  });
}
console.log(`verified ${verified} batches`);
process.exit(bad === 0 && verified > 0 ? 0 : 1);
