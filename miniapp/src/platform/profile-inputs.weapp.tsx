import Taro from '@tarojs/taro'
import { Button, Input, Picker, Text } from '@tarojs/components'
import { AVATAR_MAX_BYTES } from './avatar-limit'
import type { AvatarPickerProps, BirthdayPickerProps, NicknameInputProps, PhoneLinkProps } from './profile-inputs'

export type * from './profile-inputs'

/** Reads a local file (a temp path WeChat gave) as base64. */
function readBase64(filePath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    Taro.getFileSystemManager().readFile({
      filePath,
      encoding: 'base64',
      success: ({ data }) => resolve(String(data)),
      fail: reject,
    })
  })
}

/** WeChat's own avatar chooser (头像昵称填写): the photo is compressed, then read as base64. */
export function AvatarPicker({ className, children, onPicked, onError }: AvatarPickerProps) {
  async function chosen(path: string) {
    try {
      let file = path
      try {
        file = (await Taro.compressImage({ src: path, quality: 70, compressedWidth: 256 })).tempFilePath
      } catch {
        // Not every base library compresses every image: the original may still be small enough.
      }
      const image = await readBase64(file)
      if ((image.length * 3) / 4 > AVATAR_MAX_BYTES) {
        onError('这张图片太大了，请换一张（不超过 256 KB）')
        return
      }
      onPicked(image)
    } catch {
      onError('读取头像图片失败，请重新选择')
    }
  }
  return (
    <Button className={className} openType='chooseAvatar' onChooseAvatar={(event) => chosen(event.detail.avatarUrl)}>
      {children}
    </Button>
  )
}

/** WeChat's nickname keyboard offers the WeChat nickname above the keys. */
export function NicknameInput({ className, value, placeholder, onInput, onCommit }: NicknameInputProps) {
  return (
    <Input
      className={className}
      type='nickname'
      maxlength={20}
      value={value}
      placeholder={placeholder}
      onInput={(event) => onInput(event.detail.value)}
      onBlur={(event) => onCommit(event.detail.value)}
      onConfirm={(event) => onCommit(event.detail.value)}
    />
  )
}

/** Where the date wheels start: scrolling from today back to a birthday would take long. */
const INITIAL_BIRTHDAY = '1990-01-01'

export function BirthdayPicker({ className, today, children, onPick }: BirthdayPickerProps) {
  return (
    <Picker className={className} mode='date' start='1900-01-01' end={today} value={INITIAL_BIRTHDAY < today ? INITIAL_BIRTHDAY : today} onChange={(event) => onPick(String(event.detail.value))}>
      {children}
    </Picker>
  )
}

export function PhoneLink({ className, phone }: PhoneLinkProps) {
  return (
    <Text className={className} onClick={() => Taro.makePhoneCall({ phoneNumber: phone }).catch(() => undefined)}>
      {phone}
    </Text>
  )
}
