/**
 * A true `ArrayBuffer.prototype.detached` for platforms without one (Node 20: V8 11.3), installed
 * before `ses` is imported.
 *
 * Why: ses 2.x installs the `@endo/immutable-arraybuffer` shim when it is imported. On a platform
 * without a native `detached` getter, that shim defines one that answers `false` for every genuine
 * buffer, detached or not. wasm-bindgen glue (rapier's among them) caches a `DataView` over WASM
 * memory and refreshes it when `view.buffer.detached === true`, or, when `detached` is `undefined`,
 * when the buffer is no longer `memory.buffer`. With the shim's constant `false` neither holds, so
 * after the first `WebAssembly.Memory` growth (a new rapier world, more colliders) the glue keeps
 * reading a detached buffer and throws `Cannot perform DataView.prototype.getInt32 on a detached
 * ArrayBuffer`: the reducer fails, and two worlds in one locked-down process seem to diverge.
 *
 * The shim captures the platform getter when it is evaluated (at `import('ses')`) and delegates
 * to it, so defining a correct one first is enough. A detached buffer has length 0, and a typed
 * array cannot be built over it; a live empty buffer takes one.
 */
export function installDetachedGetter(): void {
  const proto = ArrayBuffer.prototype;
  if (Object.getOwnPropertyDescriptor(proto, 'detached') !== undefined) return;
  const byteLength = Object.getOwnPropertyDescriptor(proto, 'byteLength')!.get!;
  Object.defineProperty(proto, 'detached', {
    configurable: true,
    enumerable: false,
    get(this: ArrayBuffer): boolean {
      if (byteLength.call(this) !== 0) return false;
      try {
        new Uint8Array(this);
        return false;
      } catch {
        return true;
      }
    },
  });
}
