// The demo city's checkpoints (卡口, traffic) at its entries and main crossings, and its alarm boxes (联网报警, police).

export interface DemoCheckpoint {
  code: string;
  name: string;
  lng: number;
  lat: number;
  /** Lanes watched by the checkpoint camera, and the direction it reads (Hikvision "forward" | "reverse"). */
  lanes: number;
  /** Mean seconds between two reads at the demo's normal rate (busy roads less). */
  meanGapS: number;
}

export interface DemoAlarmPoint {
  code: string;
  name: string;
  lng: number;
  lat: number;
}

/** Codes of the demo's event points start with these (the demo finds its own registrations by them). */
export const DEMO_CHECKPOINT_PREFIX = 'KK-DEMO-';
export const DEMO_ALARM_PREFIX = 'BJ-DEMO-';

/** On the streets of sim/demo-city.ts: the ends of the main roads (city entries) and two crossings. */
export const DEMO_CHECKPOINTS: DemoCheckpoint[] = [
  { code: 'KK-DEMO-01', name: '武陵大道北入城卡口', lng: 111.678, lat: 29.058, lanes: 4, meanGapS: 4 },
  { code: 'KK-DEMO-02', name: '武陵大道南入城卡口', lng: 111.672, lat: 28.995, lanes: 4, meanGapS: 5 },
  { code: 'KK-DEMO-03', name: '人民路西卡口', lng: 111.655, lat: 29.03, lanes: 3, meanGapS: 6 },
  { code: 'KK-DEMO-04', name: '人民路东卡口', lng: 111.718, lat: 29.033, lanes: 3, meanGapS: 6 },
  { code: 'KK-DEMO-05', name: '洞庭大道西卡口', lng: 111.65, lat: 29.052, lanes: 4, meanGapS: 5 },
  { code: 'KK-DEMO-06', name: '洞庭大道东卡口', lng: 111.728, lat: 29.056, lanes: 4, meanGapS: 5 },
  { code: 'KK-DEMO-07', name: '柳叶大道东卡口', lng: 111.76, lat: 29.03, lanes: 2, meanGapS: 8 },
  { code: 'KK-DEMO-08', name: '朗州路人民路口电子警察', lng: 111.6915, lat: 29.0318, lanes: 3, meanGapS: 4 },
];

/** Alarm boxes and buttons of shops, a bank, a school, the station and the parks (near the key places). */
export const DEMO_ALARM_POINTS: DemoAlarmPoint[] = [
  { code: 'BJ-DEMO-01', name: '步行街金店报警箱', lng: 111.6912, lat: 29.0316 },
  { code: 'BJ-DEMO-02', name: '常德站广场一键报警柱', lng: 111.6915, lat: 29.0572 },
  { code: 'BJ-DEMO-03', name: '滨湖公园一键报警柱', lng: 111.6996, lat: 29.0409 },
  { code: 'BJ-DEMO-04', name: '人民路银行网点报警箱', lng: 111.6752, lat: 29.0313 },
  { code: 'BJ-DEMO-05', name: '建设路小学报警箱', lng: 111.6968, lat: 29.0443 },
  { code: 'BJ-DEMO-06', name: '诗墙公园一键报警柱', lng: 111.6902, lat: 29.0034 },
];
