#!/usr/bin/env node
// The `etl` command. Job files are TypeScript, so the CLI runs under tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import(new URL('./main.ts', import.meta.url).href);
