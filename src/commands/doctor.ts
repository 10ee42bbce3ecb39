// `/zoom doctor`: the whole install checked, admins only (the answer names channels, IDs and the account's scopes).
import type { CommandDef } from './command.js';
import { runDoctor } from '../doctor/index.js';
import { doctorMessage } from '../views/doctor.js';

export const doctorCommands: CommandDef[] = [
  {
    path: ['doctor'],
    usage: 'doctor',
    summary: 'Checks the Slack app, the Zoom app and the runtime; each fault comes with its fix.',
    access: 'write',
    args: { positionals: [] },
    run: async (inv) => {
      await inv.reply(doctorMessage(await runDoctor(inv.services)));
    },
  },
];
