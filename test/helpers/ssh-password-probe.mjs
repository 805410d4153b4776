// Logs in with a password (no key, no agent) and prints "<hostname> <user>": proves password auth.
import { NodeSSH } from 'node-ssh';

const [host, user, password] = process.argv.slice(2);
const ssh = new NodeSSH();
await ssh.connect({ host, username: user, password, agent: undefined, tryKeyboard: false, readyTimeout: 5000 });
const result = await ssh.execCommand('echo "$(hostname) $(id -un)"');
process.stdout.write(`${result.stdout}\n`);
ssh.dispose();
