'use strict';
// ethers v6 as the owner's wallet against the real `autograph` CLI.
//
// The owner signs policy files with Wallet.signMessage(fileBytes) (EIP-191 personal_sign, what
// MetaMask and `cast wallet sign` produce). The device must accept exactly the good ones and
// refuse each bad one with its own reason, keeping the policy already in force.
//
// usage: node policy_ethers_test.js <autograph binary> <scratch directory>
const { Wallet, verifyMessage, toUtf8Bytes } = require('ethers');
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const [autograph, work] = process.argv.slice(2);
if (!autograph || !work) {
  console.error('usage: node policy_ethers_test.js <autograph> <scratch dir>');
  process.exit(2);
}

// Fixed keys: the run is the same every time.
const owner = new Wallet('0x' + '11'.repeat(32));
const stranger = new Wallet('0x' + '22'.repeat(32));
const device = new Wallet('0x' + '33'.repeat(32));
const newOwner = new Wallet('0x' + '44'.repeat(32));

fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
const state = path.join(work, 'state');
const deviceKey = path.join(work, 'device.key');
fs.writeFileSync(deviceKey, device.privateKey.slice(2) + '\n', { mode: 0o600 });

let passed = 0;
let failed = 0;
function check(name, ok, detail) {
  if (ok) {
    passed++;
    console.log(`ok   ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}${detail ? ': ' + detail : ''}`);
  }
}

function run(args) {
  const result = spawnSync(autograph, args, { encoding: 'utf8', timeout: 30000 });
  return { status: result.status, stdout: result.stdout || '', stderr: result.stderr || '' };
}

function cli(...args) {
  return run([...args, '--key', deviceKey, '--state', state]);
}

const DAY = 24 * 3600 * 1000;
function iso(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function policyText({ version, deviceAddress = device.address, issued = Date.now() - DAY,
                      expires = Date.now() + 30 * DAY, rateKey = 'every_ms' }) {
  return `{
  "device": "${deviceAddress}",
  "version": ${version},
  "issued": "${iso(issued)}",
  "expires": "${iso(expires)}",
  "grantees": [
    {
      "name": "insurer",
      "endpoint": {"host": "127.0.0.1", "port": 8883, "ca": "/etc/autograph/ca.pem",
                   "topic": "ubi/{device}/signals"},
      "signals": [
        {"path": "Vehicle.Speed", "${rateKey}": 10000},
        {"path": "Vehicle.TraveledDistance", "on_change": true, "deadband": 1},
        {"path": "Vehicle.CurrentLocation.*", "every_ms": 60000, "precision_m": 5000}
      ],
      "batch": {"max_interval_s": 300, "max_samples": 1000}
    }
  ]
}
`;
}

// Writes `name` and, unless `signer` is null, `name`.sig signed over the file's bytes.
async function writeSigned(name, text, signer) {
  const file = path.join(work, name);
  fs.writeFileSync(file, text);
  if (signer) {
    const bytes = fs.readFileSync(file);
    fs.writeFileSync(file + '.sig', (await signer.signMessage(bytes)) + '\n');
  }
  return file;
}

function inForce() {
  const envelope = JSON.parse(fs.readFileSync(path.join(state, 'policy-in-force.json'), 'utf8'));
  return { text: envelope.policy, signature: envelope.signature };
}

async function expectRefused(name, file, reason, alsoInMessage) {
  const before = inForce().text;
  const result = cli('policy', 'apply', file);
  check(`${name}: refused`, result.status === 1, `exit ${result.status}, ${result.stderr}`);
  check(`${name}: reason is "${reason}"`, result.stderr.includes(`refused (${reason})`),
        result.stderr.trim());
  if (alsoInMessage) {
    check(`${name}: message names ${alsoInMessage}`, result.stderr.includes(alsoInMessage),
          result.stderr.trim());
  }
  check(`${name}: previous policy still in force`, inForce().text === before);
}

async function main() {
  let result = cli('pair', '--owner', owner.address);
  check('pair with the owner', result.status === 0, result.stderr);
  result = cli('pair', '--owner', stranger.address);
  check('second pair refused', result.status === 1 && result.stderr.includes('already paired'),
        result.stderr);

  const v2 = policyText({ version: 2 });
  const good = await writeSigned('v2.json', v2, owner);
  result = cli('policy', 'apply', good);
  check('policy signed by ethers signMessage(fileBytes) is accepted', result.status === 0,
        result.stderr);
  check('it is in force with its exact bytes', inForce().text === v2);
  check('the stored signature verifies with ethers as the owner',
        verifyMessage(toUtf8Bytes(inForce().text), inForce().signature) === owner.address);

  // One byte changed after signing.
  const tampered = await writeSigned('tampered.json', policyText({ version: 3 }), owner);
  const bytes = fs.readFileSync(tampered);
  bytes[bytes.indexOf('10000')] = '2'.charCodeAt(0);  // every_ms 10000 -> 20000
  fs.writeFileSync(tampered, bytes);
  await expectRefused('one byte changed', tampered, 'signer is not the owner');

  await expectRefused('another signer',
                      await writeSigned('stranger.json', policyText({ version: 3 }), stranger),
                      'signer is not the owner', stranger.address);
  await expectRefused('wrong device',
                      await writeSigned('other-device.json',
                                        policyText({ version: 3, deviceAddress: stranger.address }),
                                        owner),
                      'for another device', stranger.address);
  await expectRefused('lower version',
                      await writeSigned('v1.json', policyText({ version: 1 }), owner),
                      'version not newer');
  await expectRefused('equal version',
                      await writeSigned('v2-again.json', policyText({ version: 2 }), owner),
                      'version not newer');
  await expectRefused('expired',
                      await writeSigned('expired.json',
                                        policyText({ version: 3, issued: Date.now() - 10 * DAY,
                                                     expires: Date.now() - DAY }),
                                        owner),
                      'expired');
  await expectRefused('not yet valid',
                      await writeSigned('future.json',
                                        policyText({ version: 3, issued: Date.now() + DAY }),
                                        owner),
                      'not yet valid');
  await expectRefused('unknown key',
                      await writeSigned('typo.json',
                                        policyText({ version: 3, rateKey: 'evry_ms' }), owner),
                      'schema error', 'grantees[0].signals[0].evry_ms: unknown key');
  await expectRefused('no signature',
                      await writeSigned('unsigned.json', policyText({ version: 3 }), null),
                      'bad signature');

  // check: plain words and the verdict, nothing installed.
  const v3 = await writeSigned('v3.json', policyText({ version: 3 }), owner);
  result = cli('policy', 'check', v3);
  check('check accepts a good policy', result.status === 0, result.stderr);
  check('check says who gets what', result.stdout.includes('Grantee "insurer"') &&
        result.stdout.includes('Vehicle.Speed: at most one value every 10 s') &&
        result.stdout.includes('5000 m grid'), result.stdout);
  check('check installs nothing', inForce().text === v2);
  result = cli('policy', 'apply', v3);
  check('a newer policy is accepted', result.status === 0 && inForce().text.includes('"version": 3'),
        result.stderr);

  // `autograph policy sign` signs what ethers verifies, and the device accepts it.
  const ownerKey = path.join(work, 'owner.key');
  fs.writeFileSync(ownerKey, owner.privateKey.slice(2) + '\n', { mode: 0o600 });
  const v4 = path.join(work, 'v4.json');
  fs.writeFileSync(v4, policyText({ version: 4 }));
  result = run(['policy', 'sign', '--key', ownerKey, v4]);
  check('autograph policy sign writes FILE.sig', result.status === 0, result.stderr);
  const cliSig = fs.readFileSync(v4 + '.sig', 'utf8').trim();
  check('ethers recovers the owner from autograph\'s signature',
        verifyMessage(fs.readFileSync(v4), cliSig) === owner.address);
  check('ethers and autograph produce the same signature',
        cliSig === await owner.signMessage(fs.readFileSync(v4)));
  result = cli('policy', 'apply', v4);
  check('the device accepts it', result.status === 0, result.stderr);

  // `--envelope` writes the message for the MQTT policy topic: the exact text and its signature.
  const v5 = path.join(work, 'v5.json');
  fs.writeFileSync(v5, policyText({ version: 5 }));
  result = run(['policy', 'sign', '--key', ownerKey, v5, '--envelope', v5 + '.env']);
  check('autograph policy sign --envelope writes the envelope', result.status === 0, result.stderr);
  const envelope = JSON.parse(fs.readFileSync(v5 + '.env', 'utf8'));
  check('the envelope holds the file\'s exact text and only that and the signature',
        envelope.policy === fs.readFileSync(v5, 'utf8') && Object.keys(envelope).length === 2);
  check('ethers recovers the owner from the envelope\'s signature',
        verifyMessage(toUtf8Bytes(envelope.policy), envelope.signature) === owner.address);

  // Changing the owner: the current owner signs "autograph pair <device> <new owner>".
  const statement = `autograph pair ${device.address} ${newOwner.address}`;
  const transfer = path.join(work, 'transfer.sig');
  fs.writeFileSync(transfer, await stranger.signMessage(statement));
  result = cli('pair', '--owner', newOwner.address, '--sig', transfer);
  check('owner change signed by a stranger is refused', result.status === 1, result.stderr);
  fs.writeFileSync(transfer, await owner.signMessage(statement));
  result = cli('pair', '--owner', newOwner.address, '--sig', transfer);
  check('owner change signed by the owner is accepted', result.status === 0, result.stderr);
  result = cli('policy', 'apply',
               await writeSigned('old-owner.json', policyText({ version: 5 }), owner));
  check('the old owner can no longer sign policies',
        result.status === 1 && result.stderr.includes('refused (signer is not the owner)'),
        result.stderr);
  result = cli('policy', 'apply',
               await writeSigned('new-owner.json', policyText({ version: 5 }), newOwner));
  check('the new owner can', result.status === 0, result.stderr);

  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
