// The label dictionary: every console label as [zh-CN, en].
import { EVENT_VIDEO_MESSAGES } from './messages-events';
import { PTZ_MESSAGES } from './messages-ptz';
import { SDK_MESSAGES } from './messages-sdk';
import { ALARM_MESSAGES } from './messages-alarms';
import { PLAYBACK_MESSAGES } from './messages-playback';
import { TOUR_MESSAGES } from './messages-tours';
import { WALL_MESSAGES } from './messages-wall';
import { MAP_MESSAGES } from './messages-map';
import { CAMERA_MESSAGES } from './messages-cameras';
import { SPATIAL_MESSAGES } from './messages-spatial';
import { ADMIN_MESSAGES } from './messages-admin';
import { AUDIT_MESSAGES } from './messages-audit';

export const MESSAGES = {
  ...EVENT_VIDEO_MESSAGES,
  ...WALL_MESSAGES,
  ...TOUR_MESSAGES,
  ...PTZ_MESSAGES,
  ...SDK_MESSAGES,
  'app.title': ['云眼 · 视频监控联网平台', 'Cloud Eye · Video Gateway'],
  'login.subtitle': ['请使用平台账号登录', 'Sign in with your platform account'],
  'login.username': ['用户名', 'User name'],
  'login.password': ['密码', 'Password'],
  'login.submit': ['登录', 'Sign in'],
  'login.failed': ['用户名或密码错误', 'Wrong user name or password'],
  'login.unreachable': ['无法连接网关', 'The gateway cannot be reached'],

  'nav.map': ['地图', 'Map'],
  'nav.cameras': ['摄像机', 'Cameras'],
  'nav.users': ['用户', 'Users'],
  'nav.api-keys': ['API 密钥', 'API keys'],
  'nav.shares': ['共享授权', 'Shares'],
  'nav.discovery': ['设备发现', 'Discovery'],
  'nav.audit': ['审计日志', 'Audit log'],
  'nav.logout': ['退出', 'Sign out'],
  'link.down': ['实时连接中断 · 告警暂不推送', 'Live link lost · alarms not pushed'],

  'role.admin': ['管理员', 'Administrator'],
  'role.operator': ['值班员', 'Operator'],
  'role.viewer': ['查看员', 'Viewer'],
  'role.auditor': ['审计员', 'Auditor'],
  'role.integrator': ['集成方', 'Integrator'],

  'settings.wall': ['大屏', 'Wall'],
  'settings.density': ['大屏显示（放大字号与控件）', 'Large-screen display (bigger text and controls)'],

  'common.loading': ['加载中…', 'Loading…'],
  'common.empty': ['暂无数据', 'Nothing yet'],
  'common.nothingHere': ['当前角色没有可用页面', 'Nothing is available to this role'],
  'common.save': ['保存', 'Save'],
  'common.cancel': ['取消', 'Cancel'],
  'common.search': ['查询', 'Search'],
  'common.more': ['加载更多', 'Load more'],
  'common.actions': ['操作', 'Actions'],
  'common.created': ['已创建', 'Created'],
  'common.createdAt': ['创建时间', 'Created'],
  'common.revoke': ['撤销', 'Revoke'],
  'common.revoked': ['已撤销', 'Revoked'],
  'common.copy': ['复制', 'Copy'],
  'common.dismiss': ['关闭', 'Dismiss'],

  'status.online': ['在线', 'Online'],
  'status.offline': ['离线', 'Offline'],
  'status.degraded': ['异常', 'Degraded'],
  'status.unauthorized': ['认证失败', 'Unauthorized'],
  'status.unknown': ['未知', 'Unknown'],

  ...MAP_MESSAGES,
  ...CAMERA_MESSAGES,
  ...SPATIAL_MESSAGES,
  ...ADMIN_MESSAGES,
  ...AUDIT_MESSAGES,
  ...ALARM_MESSAGES,
  ...PLAYBACK_MESSAGES,
} as const satisfies Record<string, readonly [string, string]>;

export type MsgKey = keyof typeof MESSAGES;
