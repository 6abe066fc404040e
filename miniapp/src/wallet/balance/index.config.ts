export default definePageConfig({
  navigationBarTitleText: '储值余额',
})
