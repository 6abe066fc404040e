export default defineAppConfig({
  // The join page comes first: it is where a store's mini-program code lands.
  pages: [
    'pages/join/index',
    'pages/card/index',
    'pages/points/index',
    'pages/me/index',
    'pages/orders/index',
    'pages/tiers/index',
    'pages/store/index',
    'pages/agreement/index',
  ],
  subPackages: [
    {
      // The member's coupons, the coupon centre and the points mall: opened from the card, 积分 and 我的.
      root: 'coupons',
      pages: ['mine/index', 'center/index', 'detail/index', 'mall/index', 'exchanges/index'],
    },
    {
      // Stored value: the balance and its movements, recharging with WeChat Pay, its result; opened from the card's 余额 and 我的.
      root: 'wallet',
      pages: ['balance/index', 'recharge/index', 'result/index'],
    },
    {
      // Daily check-in: the month calendar and today's button; opened from the card and 我的.
      root: 'checkin',
      pages: ['calendar/index'],
    },
    {
      // 消息设置: which notices the member wants and subscribing to them; opened from 我的.
      root: 'messages',
      pages: ['settings/index'],
    },
    {
      // Staff: the till (scan, purchase, refund, orders, coupons), recharge refunds, and the marketing console (人群, 营销活动).
      root: 'staff',
      pages: [
        'login/index',
        'scan/index',
        'purchase/index',
        'refund/index',
        'orders/index',
        'coupon/index',
        'recharge-refunds/index',
        'campaigns/index',
        'campaign/index',
        'campaign-edit/index',
        'segments/index',
        'segment/index',
      ],
    },
  ],
  // Every member page is a tab or opens from one; the join page (no card yet) has no tab bar.
  tabBar: {
    color: '#8f959e',
    selectedColor: '#e2583e',
    backgroundColor: '#ffffff',
    borderStyle: 'white',
    list: [
      { pagePath: 'pages/card/index', text: '会员卡', iconPath: 'assets/tab/card.png', selectedIconPath: 'assets/tab/card-on.png' },
      { pagePath: 'pages/points/index', text: '积分', iconPath: 'assets/tab/points.png', selectedIconPath: 'assets/tab/points-on.png' },
      { pagePath: 'pages/me/index', text: '我的', iconPath: 'assets/tab/me.png', selectedIconPath: 'assets/tab/me-on.png' },
    ],
  },
  window: {
    backgroundTextStyle: 'light',
    backgroundColor: '#f5f6f8',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: '会员中心',
    navigationBarTextStyle: 'black',
  },
})
