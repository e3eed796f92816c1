'use strict';
// Example preload: window.backend.{start, restart, stop, status,
// checkFirewall, getFirewallRule, getFirewallCommand, onStatus}.

const { contextBridge, ipcRenderer } = require('electron');
const { exposeBackend } = require('backend-warden/preload');

exposeBackend(contextBridge, ipcRenderer);
