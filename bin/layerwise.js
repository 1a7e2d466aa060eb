#!/usr/bin/env node
import { main } from '../dist/src/core/cli/main.js';

process.exitCode = await main(process.argv);
