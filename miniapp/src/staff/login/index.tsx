import { useState } from 'react'
import Taro, { useLoad } from '@tarojs/taro'
import { Button, Input, Text, View } from '@tarojs/components'
import type { StaffRole } from '@wemember/shared'
import { staffLogin } from '../../services/api'
import { errorMessage } from '../../services/error-message'
import { staffSession } from '../../services/session'
import { CONSOLE_PAGES } from '../console'
import './index.scss'

/** Where a staff member starts: a marketer at the campaigns (the till is not theirs), everyone else at the staff home. */
function openHome(role: StaffRole | undefined) {
  Taro.redirectTo({ url: role === 'marketer' ? CONSOLE_PAGES.campaigns : '/staff/scan/index' })
}

export default function StaffLoginPage() {
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')

  useLoad(() => {
    // Already signed in: the staff home, which links a marketer on to the console.
    if (staffSession.get()) openHome(undefined)
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
      openHome(session.staff.role)
    } catch (failure) {
      setError(errorMessage(failure))
      setBusy(false)
    }
  }

  return (
    <View className='staff-login'>
      <Text className='staff-login__title'>员工登录</Text>
      <Text className='staff-login__hint'>门店员工登录后可扫码查会员、收银记账和办理退货；总部营销人员登录后管理人群和营销活动</Text>

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
