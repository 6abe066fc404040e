export default definePageConfig({
  navigationBarTitleText: '储值退款审核',
})
