/*
 * Type-checking entry only, like ./index.ts: Taro's build picks profile-inputs.weapp.tsx or
 * profile-inputs.h5.tsx. The profile page's controls that WeChat provides itself (the avatar
 * chooser, the nickname keyboard, the date picker, the phone dialer) and their H5 stand-ins.
 */
import type { ReactNode } from 'react'

export interface AvatarPickerProps {
  className?: string
  children: ReactNode
  /** The chosen image as base64 (JPEG or PNG, no data: prefix), small enough to upload. */
  onPicked(imageBase64: string): void
  /** A Chinese sentence for the shopper. */
  onError(message: string): void
}

export interface NicknameInputProps {
  className?: string
  value: string
  placeholder: string
  onInput(value: string): void
  /** The shopper has finished typing (blur or the keyboard's done key). */
  onCommit(value: string): void
}

export interface BirthdayPickerProps {
  className?: string
  /** YYYY-MM-DD of today in China: no later date can be picked. */
  today: string
  children: ReactNode
  onPick(date: string): void
}

export interface PhoneLinkProps {
  className?: string
  phone: string
}

export declare function AvatarPicker(props: AvatarPickerProps): JSX.Element
export declare function NicknameInput(props: NicknameInputProps): JSX.Element
export declare function BirthdayPicker(props: BirthdayPickerProps): JSX.Element
/** A phone number that calls the store when tapped. */
export declare function PhoneLink(props: PhoneLinkProps): JSX.Element
