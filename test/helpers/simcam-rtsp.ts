// Test/bench name for the simulated RTSP server process (sim/cameras/rtsp-process.ts).
export { RtspProcess as SimCam, type RtspProcessOptions as SimCamOptions } from '../../sim/cameras/rtsp-process';
