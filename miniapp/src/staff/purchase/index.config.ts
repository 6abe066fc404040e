export default definePageConfig({
  navigationBarTitleText: '收银记账',
})
