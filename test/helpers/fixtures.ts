// Reads captured command outputs from test/fixtures.
import { readFileSync } from 'node:fs';

export const fixture = (path: string): string => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8');
