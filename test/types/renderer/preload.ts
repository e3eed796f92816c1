// A preload compiled with the renderer's settings (no Node types): the
// helpers of backend-warden/preload resolve under node10, node16 and bundler.
import { exposeBackend, createBackendApi } from 'backend-warden/preload';
import type { BackendBridge } from 'backend-warden/preload';

declare const contextBridge: { exposeInMainWorld(key: string, api: unknown): void };
declare const ipcRenderer: {
  invoke(channel: string, ...args: any[]): Promise<any>;
  on(channel: string, listener: (event: unknown, ...args: any[]) => void): unknown;
  removeListener(channel: string, listener: (...args: any[]) => void): unknown;
};

const api: BackendBridge = exposeBackend(contextBridge, ipcRenderer);
contextBridge.exposeInMainWorld('electron', { backend: createBackendApi(ipcRenderer, { prefix: 'backend' }) });
export { api };
