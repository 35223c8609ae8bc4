/** The style engine's public surface (see stylize.ts). */
export { stylizeImage, type StylizeResult, type StylizeTimings } from './stylize';
export {
  DEFAULT_PROCESSING_SIZE,
  DEFAULT_STYLE_MODEL,
  resolveStylizeOptions,
  type StylizeOptions,
} from './options';
export { planTiles, type TilePlan } from './tiles';
