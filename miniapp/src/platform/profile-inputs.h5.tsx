import type { ChangeEvent } from 'react'
import { Input } from '@tarojs/components'
import { AVATAR_MAX_BYTES } from './avatar-limit'
import type { AvatarPickerProps, BirthdayPickerProps, NicknameInputProps, PhoneLinkProps } from './profile-inputs'

export type * from './profile-inputs'

/** Avatars are shown small: a larger photo is cut to a centred square of this many pixels. */
const AVATAR_SIZE = 256

function readDataUrl(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(String(reader.result))
    reader.onerror = () => reject(reader.error)
    reader.readAsDataURL(file)
  })
}

function loadImage(src: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const image = new Image()
    image.onload = () => resolve(image)
    image.onerror = reject
    image.src = src
  })
}

/** The photo as a small square JPEG, base64 without the data: prefix. */
async function squareJpeg(file: File): Promise<string> {
  const image = await loadImage(await readDataUrl(file))
  const side = Math.min(image.naturalWidth, image.naturalHeight)
  const canvas = document.createElement('canvas')
  canvas.width = canvas.height = Math.min(AVATAR_SIZE, side)
  const context = canvas.getContext('2d')!
  context.drawImage(image, (image.naturalWidth - side) / 2, (image.naturalHeight - side) / 2, side, side, 0, 0, canvas.width, canvas.height)
  return canvas.toDataURL('image/jpeg', 0.85).split(',')[1]
}

/** A plain file input stands in for WeChat's avatar chooser. */
export function AvatarPicker({ className, children, onPicked, onError }: AvatarPickerProps) {
  async function chosen(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0]
    event.target.value = ''
    if (!file) return
    if (!/^image\/(jpeg|png)$/.test(file.type)) {
      onError('请选择 JPG 或 PNG 格式的图片')
      return
    }
    try {
      const image = await squareJpeg(file)
      if ((image.length * 3) / 4 > AVATAR_MAX_BYTES) onError('这张图片太大了，请换一张（不超过 256 KB）')
      else onPicked(image)
    } catch {
      onError('读取头像图片失败，请重新选择')
    }
  }
  return (
    <label className={className}>
      {children}
      <input className='avatar-file' type='file' accept='image/jpeg,image/png' style={{ display: 'none' }} onChange={chosen} />
    </label>
  )
}

export function NicknameInput({ className, value, placeholder, onInput, onCommit }: NicknameInputProps) {
  return (
    <Input
      className={className}
      type='text'
      maxlength={20}
      value={value}
      placeholder={placeholder}
      onInput={(event) => onInput(event.detail.value)}
      onBlur={(event) => onCommit(event.detail.value)}
      onConfirm={(event) => onCommit(event.detail.value)}
    />
  )
}

/** The browser's own date picker, laid over the row so that tapping anywhere on it opens the picker. */
export function BirthdayPicker({ className, today, children, onPick }: BirthdayPickerProps) {
  return (
    <label className={className} style={{ position: 'relative', display: 'block' }}>
      {children}
      <input
        className='birthday-input'
        type='date'
        min='1900-01-01'
        max={today}
        style={{ position: 'absolute', inset: 0, width: '100%', height: '100%', opacity: 0 }}
        onClick={(event) => event.currentTarget.showPicker?.()}
        onChange={(event) => event.target.value && onPick(event.target.value)}
      />
    </label>
  )
}

export function PhoneLink({ className, phone }: PhoneLinkProps) {
  return (
    <a className={className} href={`tel:${phone.replace(/[^\d+]/g, '')}`}>
      {phone}
    </a>
  )
}
