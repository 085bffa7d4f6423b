// Interoperability of autograph's signatures with ethers v6, the verifier the ecosystem uses.
//   node ethers_interop.js <autograph binary> <interop_tool binary>
// (a) ethers recovers the device address from envelopes autograph signed, from the data bytes
//     cut exactly out of the text; (b) autograph accepts what ethers signs (Wallet.signMessage,
//     and envelopes signed with an ethers key) and signs messages identically; (c) altering one
//     byte of data, signature or subject is detected in both directions.
// Prints "N passed, M failed"; exits 1 on any failure.
'use strict';

let ethers;
try {
  ({ ethers } = require('ethers'));
} catch (error) {
  console.error(`ethers v6 is not installed (NODE_PATH=${process.env.NODE_PATH}): run scripts/install-deps`);
  process.exit(1);
}
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const [autograph, interopTool] = process.argv.slice(2);
if (!autograph || !interopTool) {
  console.error('usage: node ethers_interop.js <autograph> <interop_tool>');
  process.exit(2);
}
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autograph-ethers-'));
let passed = 0;
let failed = 0;

function check(condition, what) {
  if (condition) {
    passed += 1;
  } else {
    failed += 1;
    console.error(`FAILED: ${what}`);
  }
}

// Returns the exact text of each top-level member's value, without re-serialising anything.
function topLevelMembers(text) {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i])) i += 1;
  };
  const skipString = () => {
    if (text[i] !== '"') throw new Error(`expected string at ${i}`);
    i += 1;
    while (text[i] !== '"') {
      if (i >= text.length) throw new Error('unterminated string');
      i += text[i] === '\\' ? 2 : 1;
    }
    i += 1;
  };
  const skipValue = () => {
    ws();
    const open = text[i];
    if (open === '"') return skipString();
    if (open === '{' || open === '[') {
      const close = open === '{' ? '}' : ']';
      i += 1;
      ws();
      if (text[i] === close) { i += 1; return undefined; }
      for (;;) {
        if (open === '{') { ws(); skipString(); ws(); i += 1; }
        skipValue();
        ws();
        if (text[i] === ',') { i += 1; continue; }
        if (text[i] === close) { i += 1; return undefined; }
        throw new Error(`bad container at ${i}`);
      }
    }
    while (i < text.length && !',}] \t\r\n'.includes(text[i])) i += 1;
    return undefined;
  };
  const members = {};
  ws();
  i += 1;
  for (;;) {
    ws();
    const keyStart = i;
    skipString();
    const key = JSON.parse(text.slice(keyStart, i));
    ws();
    i += 1;
    ws();
    const valueStart = i;
    skipValue();
    members[key] = text.slice(valueStart, i);
    ws();
    if (text[i] !== ',') break;
    i += 1;
  }
  return members;
}

// The address ethers recovers from an envelope, or null if recovery throws.
function ethersSigner(envelope) {
  const m = topLevelMembers(envelope);
  try {
    return ethers.recoverAddress(ethers.keccak256(ethers.toUtf8Bytes(m.data)), JSON.parse(m.signature));
  } catch (error) {
    return null;
  }
}

function flipHexDigit(text, index) {
  const c = text[index];
  return text.slice(0, index) + (c === '1' ? '2' : '1') + text.slice(index + 1);
}

function run(args, input) {
  return spawnSync(autograph, args, { input, encoding: 'utf8' });
}

// (a) autograph signs, ethers verifies.
const keyPath = path.join(dir, 'device.key');
const deviceAddress = execFileSync(autograph, ['keygen', '--key', keyPath], { encoding: 'utf8' }).trim();
check(ethers.isAddress(deviceAddress) && ethers.getAddress(deviceAddress) === deviceAddress,
  `keygen printed an EIP-55 address (${deviceAddress})`);
const envelopes = execFileSync(interopTool, ['envelopes', keyPath, '4'], { encoding: 'utf8' })
  .split('\n').filter((line) => line.length > 0);
check(envelopes.length === 4, 'interop_tool printed 4 envelopes');
let previousHash = ethers.ZeroHash;
envelopes.forEach((envelope, seq) => {
  const m = topLevelMembers(envelope);
  const data = JSON.parse(m.data);
  const subject = JSON.parse(m.subject);
  check(ethersSigner(envelope) === deviceAddress, `ethers recovers the device from envelope ${seq}`);
  check(subject === deviceAddress, `subject of envelope ${seq} is the device`);
  check(data.seq === seq && data.prev === previousHash, `envelope ${seq} chains to the previous one`);
  check(JSON.parse(m.id) === `${deviceAddress.slice(2)}:${data.boot}:${seq}`, `id of envelope ${seq}`);
  previousHash = ethers.keccak256(ethers.toUtf8Bytes(m.data));

  // (c) one altered byte of the data, the signature or the subject.
  const dataAt = envelope.indexOf('"Vehicle.Speed":[[0,') + 20;
  const alteredData = envelope.slice(0, dataAt) + '6' + envelope.slice(dataAt + 1);
  check(ethersSigner(alteredData) !== deviceAddress, `ethers detects altered data in ${seq}`);
  const signatureAt = envelope.indexOf('"signature":"0x') + 20;
  check(ethersSigner(flipHexDigit(envelope, signatureAt)) !== deviceAddress,
    `ethers detects an altered signature in ${seq}`);
  const subjectAt = envelope.indexOf('"subject":"0x') + 15;
  const alteredSubject = flipHexDigit(envelope, subjectAt);
  check(JSON.parse(topLevelMembers(alteredSubject).subject).toLowerCase() !== ethersSigner(alteredSubject).toLowerCase(),
    `ethers detects an altered subject in ${seq}`);
});
const ownCheck = run(['verify', '--from', deviceAddress, '-'], envelopes.join('\n'));
check(ownCheck.status === 0 && ownCheck.stdout.includes('chain OK: 4 batches in 1 streams'),
  `autograph verify accepts its own envelopes: ${ownCheck.stdout}${ownCheck.stderr}`);

// (b) ethers signs, autograph verifies.
const wallet = ethers.Wallet.createRandom();
const message = ethers.toUtf8Bytes('{"version":3,"grantees":[]}\nowner policy \u00e9\u20ac');
const messagePath = path.join(dir, 'policy.json');
fs.writeFileSync(messagePath, message);
const walletSignature = wallet.signMessageSync(message);
const recovered = spawnSync(interopTool, ['recover-message', messagePath, walletSignature], { encoding: 'utf8' });
check(recovered.status === 0 && recovered.stdout.trim() === wallet.address,
  `autograph recovers the signMessage signer: ${recovered.stdout}${recovered.stderr}`);
const walletKeyPath = path.join(dir, 'wallet.key');
fs.writeFileSync(walletKeyPath, `${wallet.privateKey.slice(2)}\n`, { mode: 0o600 });
check(run(['address', '--key', walletKeyPath]).stdout.trim() === wallet.address,
  'autograph derives the wallet address from its key');
check(run(['sign-message', '--key', walletKeyPath, messagePath]).stdout.trim() === walletSignature,
  'autograph sign-message equals ethers signMessage byte for byte');

const tamperedMessagePath = path.join(dir, 'tampered.json');
const tampered = Uint8Array.from(message);
tampered[3] ^= 1;
fs.writeFileSync(tamperedMessagePath, tampered);
const tamperedRecovery = spawnSync(interopTool, ['recover-message', tamperedMessagePath, walletSignature], { encoding: 'utf8' });
check(tamperedRecovery.stdout.trim() !== wallet.address, 'autograph detects an altered message');
const badSignatureRecovery = spawnSync(interopTool,
  ['recover-message', messagePath, flipHexDigit(walletSignature, 10)], { encoding: 'utf8' });
check(badSignatureRecovery.stdout.trim() !== wallet.address, 'autograph detects an altered message signature');

// Envelopes built and signed by ethers, in the DESIGN.md shape, verified by autograph.
function ethersEnvelope(seq, prev) {
  const data = `{"v":1,"stream":"fleet","seq":${seq},"prev":"${prev}","policy":"${ethers.ZeroHash}",`
    + `"boot":"ethersboot","clock":"synced","from":1764150000000,"to":1764150010000,`
    + `"dropped":{"kernel":0,"queue":0,"spool":0},"signals":{"Vehicle.Speed":[[0,${seq}.5]]}}`;
  const signature = wallet.signingKey.sign(ethers.keccak256(ethers.toUtf8Bytes(data))).serialized;
  const envelope = `{"specversion":"1.0","id":"${wallet.address.slice(2)}:ethersboot:${seq}",`
    + `"source":"ethers-test","subject":"${wallet.address}","type":"autograph.signals.v1",`
    + `"time":"2025-11-26T09:40:00.000Z","datacontenttype":"application/json","data":${data},`
    + `"signature":"${signature}"}`;
  return { envelope, hash: ethers.keccak256(ethers.toUtf8Bytes(data)) };
}
const first = ethersEnvelope(0, ethers.ZeroHash);
const second = ethersEnvelope(1, first.hash);
const lines = `${first.envelope}\n${second.envelope}\n`;
const accepted = run(['verify', '--from', wallet.address, '-'], lines);
check(accepted.status === 0 && accepted.stdout.includes('OK seq=1 stream=fleet')
  && accepted.stdout.includes('chain OK: 2 batches in 1 streams'),
  `autograph verify accepts ethers-signed envelopes: ${accepted.stdout}${accepted.stderr}`);
const asArray = run(['verify', '-'], `[${first.envelope},\n ${second.envelope}]`);
check(asArray.status === 0, `autograph verify accepts a JSON array: ${asArray.stdout}`);

const alteredData = second.envelope.replace('[[0,1.5]]', '[[0,1.6]]');
const alteredSignature = flipHexDigit(second.envelope, second.envelope.indexOf('"signature":"0x') + 20);
const alteredSubject = second.envelope.replace(`"subject":"${wallet.address}"`, `"subject":"${deviceAddress}"`);
for (const [name, altered] of [['data', alteredData], ['signature', alteredSignature], ['subject', alteredSubject]]) {
  const result = run(['verify', '-'], `${first.envelope}\n${altered}\n`);
  check(altered !== second.envelope && result.status === 1 && result.stdout.includes('FAIL <stdin>:line 2'),
    `autograph verify detects altered ${name}: ${result.stdout}`);
}
const wrongSigner = run(['verify', '--from', deviceAddress, '-'], lines);
check(wrongSigner.status === 1 && wrongSigner.stdout.includes(`expected ${deviceAddress}`),
  'autograph verify --from refuses another signer');
const gap = run(['verify', '-'], `${first.envelope}\n${ethersEnvelope(2, second.hash).envelope}\n`);
check(gap.status === 1 && gap.stdout.includes('seq 1 missing between 0 and 2'),
  `autograph verify reports a gap: ${gap.stdout}`);

fs.rmSync(dir, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
