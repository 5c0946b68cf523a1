// The wall's labels: the wall screen page (pairing, closed) and the console's wall page, as [zh-CN, en].
export const WALL_MESSAGES = {
  'nav.wall': ['大屏墙', 'Wall'],
  'screen.pairTitle': ['配对大屏', 'Pair this screen'],
  'screen.pairHint': [
    '输入管理员创建大屏时得到的配对码（一次有效）',
    'Enter the pairing secret the administrator got when creating this screen (valid once)',
  ],
  'screen.secret': ['配对码', 'Pairing secret'],
  'screen.pair': ['配对', 'Pair'],
  'screen.pairFailed': ['配对码错误、已使用或已过期', 'The pairing secret is wrong, used or expired'],
  'screen.replaced': [
    '此大屏已在另一浏览器打开，本页已关闭',
    'This screen was opened in another browser; this page is closed',
  ],
  'screen.removed': ['此大屏已被删除', 'This screen was removed'],
  'screen.empty': ['空闲', 'Empty'],
  'wall.pageTitle': ['大屏墙', 'Video wall screens'],
  'wall.noScreens': ['本部门还没有大屏', 'This department has no wall screens yet'],
  'wall.pickCamera': ['选择摄像机', 'Pick a camera'],
  'wall.cameraSearch': ['搜索摄像机名称', 'Search camera names'],
  'wall.sendHint': ['先选择摄像机，再点击要显示它的画面格', 'Pick a camera, then click the pane to show it on'],
  'wall.clearPane': ['清除', 'Clear'],
  'wall.layout': ['布局', 'Layout'],
  'wall.views': ['已存视图', 'Saved views'],
  'wall.applyView': ['应用到', 'Apply to'],
  'wall.sent': ['已推送到大屏', 'Sent to the screen'],
} as const satisfies Record<string, readonly [string, string]>;
