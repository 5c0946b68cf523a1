// Labels of the map's spatial queries (incident, grids, hit lists, drawing), as [zh-CN, en].

export const SPATIAL_MESSAGES = {
  'incident.title': ['警情周边摄像机', 'Cameras around an incident'],
  'incident.radius': ['半径（米）', 'Radius (m)'],
  'incident.clickMap': ['在地图上点选位置', 'Pick a point on the map'],
  'incident.lng': ['经度', 'Longitude'],
  'incident.lat': ['纬度', 'Latitude'],
  'incident.search': ['查询', 'Search'],
  'incident.place': ['网格 / 重点场所', 'Grid / key place'],
  'incident.pickPlace': ['选择网格或重点场所…', 'Choose a grid or key place…'],
  'incident.badCoords': ['请输入有效的经纬度', 'Enter a valid longitude and latitude'],

  'grid.district': ['辖区', 'district'],
  'grid.grid': ['网格', 'grid'],
  'grid.place': ['重点场所', 'key place'],

  'hits.count': ['共 {n} 台', '{n} cameras'],
  'hits.covering': ['覆盖该点', 'Covers it'],
  'hits.playAll': ['全部上墙', 'Play all'],
  'hits.exportCsv': ['导出 CSV', 'Export CSV'],
  'hits.exportGeoJson': ['导出 GeoJSON', 'Export GeoJSON'],
  'hits.none': ['范围内没有可见的摄像机', 'No visible cameras in range'],
  'hits.along': ['沿线', 'along'],

  'draw.title': ['框选摄像机', 'Select cameras by drawing'],
  'draw.circle': ['画圆', 'Circle'],
  'draw.polygon': ['多边形', 'Polygon'],
  'draw.route': ['路线', 'Route'],
  'draw.buffer': ['路线两侧距离（米）', 'Distance from the route (m)'],
  'draw.help': [
    '单击加点，双击或“完成”结束，Esc 取消。画圆：从圆心按住拖到边缘，或先点圆心再点边缘。',
    'Click to add points, double-click or Finish to end, Esc to cancel. Circle: press at the centre and drag to the edge, or click the centre, then the edge.',
  ],
  'draw.finish': ['完成', 'Finish'],
  'draw.clear': ['清除', 'Clear'],
} as const satisfies Record<string, readonly [string, string]>;
