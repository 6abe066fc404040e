import { useState } from 'react'
import Taro, { useLoad } from '@tarojs/taro'
import { Button, Input, Text, View } from '@tarojs/components'
import { staffLogin } from '../../services/api'
import { errorMessage } from '../../services/error-message'
import { staffSession } from '../../services/session'
import './index.scss'

function openScan() {
  Taro.redirectTo({ url: '/staff/scan/index' })
}

export default function StaffLoginPage() {
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')

  useLoad(() => {
    if (staffSession.get()) openScan()
  })

  async function submit() {
    if (busy) return
    if (!username.trim() || !password) {
      setError(!username.trim() ? '请输入账号' : '请输入密码')
      return
    }
    setBusy(true)
    setError('')
    try {
      const session = await staffLogin({ username: username.trim(), password })
      staffSession.save(session)
      openScan()
    } catch (failure) {
      setError(errorMessage(failure))
      setBusy(false)
    }
  }

  return (
    <View className='staff-login'>
      <Text className='staff-login__title'>员工登录</Text>
      <Text className='staff-login__hint'>门店员工登录后可扫码查会员、收银记账和办理退货</Text>

      <View className='staff-login__form'>
        <Text className='staff-login__label'>账号</Text>
        <Input
          className='staff-username'
          placeholder='请输入账号'
          maxlength={64}
          value={username}
          onInput={(event) => setUsername(event.detail.value)}
        />
        <Text className='staff-login__label'>密码</Text>
        <Input
          className='staff-password'
          password
          placeholder='请输入密码'
          maxlength={128}
          value={password}
          onInput={(event) => setPassword(event.detail.value)}
          onConfirm={submit}
        />
        {error && <View className='staff-login-error'>{error}</View>}
        <Button className='staff-login-btn' loading={busy} disabled={busy} onClick={submit}>
          <Text>登录</Text>
        </Button>
      </View>
    </View>
  )
}
