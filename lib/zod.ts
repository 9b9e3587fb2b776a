// The one zod import of lib/ (`import * as z from '../zod.ts'`): zod/mini, whose functional API
// (`z.optional(x)`, `x.check(z.minLength(1))`) lets esbuild drop what a bundle does not use — classic zod's
// schema objects carry every method and kept ~440 KB of zod in each Lambda bundle.
// zod/mini loads no locale, so its messages would all read "Invalid input"; English is configured here,
// once, before any schema parses, so `data.customerId: Invalid input: expected number, received undefined`
// reads as it did with classic zod. https://zod.dev/packages/mini
import { config } from 'zod/mini';
import { en } from 'zod/locales';

config(en());

export * from 'zod/mini';
