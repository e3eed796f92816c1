// Types of require('backend-warden/preload'): the same functions as the main
// entry declares (see ../index.d.ts).
export { exposeBackend, createBackendApi } from '../../index';
export type { BackendBridge, BackendWindow, ExposeBackendOptions, ContextBridgeLike, IpcRendererLike } from '../../index';
