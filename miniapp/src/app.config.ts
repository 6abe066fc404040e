export default defineAppConfig({
  // The join page comes first: it is where a store's mini-program code lands.
  pages: ['pages/join/index', 'pages/card/index', 'pages/points/index'],
  subPackages: [
    {
      root: 'staff',
      pages: ['login/index', 'scan/index', 'purchase/index', 'refund/index', 'orders/index'],
    },
  ],
  window: {
    backgroundTextStyle: 'light',
    backgroundColor: '#f5f6f8',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: '会员中心',
    navigationBarTextStyle: 'black',
  },
})
