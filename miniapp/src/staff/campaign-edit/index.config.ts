export default definePageConfig({
  navigationBarTitleText: '编辑营销活动',
})
