// Entry of `npm run doctor`: reads .env like the bot does, then exits with the doctor's verdict.
import { existsSync } from 'node:fs';
import { doctorMain } from './cli.js';

if (existsSync('.env')) process.loadEnvFile('.env');
process.exitCode = await doctorMain(process.env);
