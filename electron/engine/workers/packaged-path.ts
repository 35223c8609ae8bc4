/**
 * In a packaged Electron app the engine runs from inside app.asar, which worker threads cannot load
 * from (Electron's archive support does not reach a worker's ESM loader). electron-builder.yml unpacks
 * what the pool's threads load (the pixel-worker bundle, piscina and the packages the worker imports)
 * into app.asar.unpacked beside it; this maps a path or file URL inside the archive to that copy.
 */

/** `location` with its `app.asar` folder replaced by `app.asar.unpacked`; anything else unchanged. */
export function outsideAsar(location: string): string {
  // A whole path segment only (not `myapp.asar`, not an already unpacked path), either separator.
  return location.replace(/(^|[\\/])app\.asar(?=[\\/])/, '$1app.asar.unpacked');
}
