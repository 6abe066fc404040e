export default definePageConfig({
  navigationBarTitleText: '储值充值',
})
