export default definePageConfig({
  navigationBarTitleText: '今日订单',
})
