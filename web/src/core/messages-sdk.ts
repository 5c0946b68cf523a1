// Labels of the embedded widgets (web/sdk: map, player, iframe pages), as [zh-CN, en]; spread into the dictionary.

export const SDK_MESSAGES = {
  'sdk.why.expired': ['访问令牌已过期', 'The access token has expired'],
  'sdk.why.revoked': ['访问令牌已被撤销', 'The access token has been revoked'],
  'sdk.why.unknown': ['访问令牌无效', 'The access token is not valid'],
  'sdk.why.malformed': ['访问令牌格式错误', 'The access token is malformed'],
  'sdk.why.origin': ['此网站无权使用该令牌', 'This site may not use the token'],
  'sdk.why.forbidden': ['无权执行此操作', 'Not allowed'],
  'sdk.why.network': ['无法连接到云眼网关', 'Cannot reach the Cloud Eye gateway'],
  'sdk.why.input': ['嵌入参数错误', 'Embedding parameters are wrong'],
  'sdk.search': ['事件点周边搜索', 'Search around a point'],
  'sdk.select': ['框选摄像机', 'Select cameras in an area'],
  'sdk.found': ['找到 {count} 台摄像机', '{count} cameras found'],
} as const;
