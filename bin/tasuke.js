#!/usr/bin/env node
// Entry point of the `tasuke` command. It registers tsx's loader in this same
// process and imports the TypeScript CLI, so there is no build step and no
// second Node process on the cold path.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
