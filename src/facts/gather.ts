// The host facts live beside the modules' facts (the setup module gathers them too); the engine reads them from here.
export { FACTS_SCRIPT, parseFacts } from '../modules/facts/host-facts.js';
