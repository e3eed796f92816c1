// Types of require('backend-warden/preload'): exposeBackend and
// createBackendApi, which the main entry re-exports. No Node types, so that
// a preload compiled with the renderer's settings (DOM only) type-checks.
// At the package root so that moduleResolution node10 finds it too.

import type { BackendBridge } from './renderer';

export type { BackendBridge, BackendWindow, BackendBridgeFailure, BackendErrorInfo, BackendStatus } from './renderer';

/** The parts of Electron's `contextBridge` that {@link exposeBackend} uses. */
export interface ContextBridgeLike {
  /** Puts `api` on the page's `window[apiKey]`. */
  exposeInMainWorld(apiKey: string, api: any): void;
}

/** The parts of Electron's `ipcRenderer` that {@link exposeBackend} uses. */
export interface IpcRendererLike {
  /** Calls the main process's handler. */
  invoke(channel: string, ...args: any[]): Promise<any>;
  /** Status pushes arrive here. */
  on(channel: string, listener: (event: any, ...args: any[]) => void): unknown;
  /** `unsubscribe()` of `onStatus` uses it. */
  removeListener(channel: string, listener: (...args: any[]) => void): unknown;
}

export interface ExposeBackendOptions {
  /** Property of `window`; default `'backend'`. */
  key?: string;
  /** Must match `registerIpcHandlers`; default `'backend'`. */
  prefix?: string;
}

/**
 * Preload: `contextBridge.exposeInMainWorld(key, createBackendApi(ipcRenderer, { prefix }))`.
 * Also `require('backend-warden/preload')`, which needs no Node module (sandbox-safe when bundled).
 */
export function exposeBackend(contextBridge: ContextBridgeLike, ipcRenderer: IpcRendererLike, options?: ExposeBackendOptions): BackendBridge;

/** The {@link BackendBridge} object alone, for apps that expose it inside their own, e.g. `window.electron.backend`. */
export function createBackendApi(ipcRenderer: IpcRendererLike, options?: { prefix?: string }): BackendBridge;
