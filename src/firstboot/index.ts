export { formatAddressPort } from './discovery/probe-candidates.js';
export { FOUND_VIA } from './found-via.js';
export { firstBootHandlers } from './first-boot-handlers.js';
export { FirstBootService } from './first-boot-service.js';
