export default definePageConfig({
  navigationBarTitleText: '扫码查会员',
})
